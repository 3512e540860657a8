// The interactive API docs (/api/v1/docs): Swagger UI from static/vendor, settings from the page.
(function () {
  const settings = JSON.parse(document.getElementById("swagger-settings").textContent);
  settings.dom_id = "#swagger-ui";
  settings.presets = [SwaggerUIBundle.presets.apis];
  SwaggerUIBundle(settings);
})();
