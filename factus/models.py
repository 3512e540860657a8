"""The one table of ``factus``: the fleet's shared rate-limit schedule when there is no Redis.

``factus`` keeps no business data (see ../shared/DESIGN.md); this row is transport state, like the
token in the cache: where the cache is Redis it is not used at all (``factus.ratelimit``).
"""

from django.db import models


class RateBudget(models.Model):
    key = models.CharField(max_length=64, primary_key=True)
    next_at = models.FloatField(default=0.0)  # Unix time of the next free turn
    paused_until = models.FloatField(default=0.0)  # Unix time until which a 429 paused everyone

    class Meta:
        verbose_name = "turno de Factus"
        verbose_name_plural = "turnos de Factus"

    def __str__(self):
        return self.key
