"""Compare JSON documents by structure: same keys, same JSON types, recursively."""


def _kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    raise TypeError(f"not JSON: {value!r}")


def assert_same_shape(actual, expected, path: str = "$") -> None:
    """``actual`` has the keys and JSON types of ``expected``.

    A null in ``expected`` accepts anything (the field is nullable); each element of an
    actual array must match at least one element of the expected array.
    """
    if expected is None:
        return
    assert _kind(actual) == _kind(expected), (
        f"{path}: {_kind(actual)} {actual!r:.80} != {_kind(expected)} {expected!r:.80}"
    )
    if isinstance(expected, dict):
        missing, extra = set(expected) - set(actual), set(actual) - set(expected)
        assert not missing and not extra, f"{path}: missing {sorted(missing)} extra {sorted(extra)}"
        for key, value in expected.items():
            assert_same_shape(actual[key], value, f"{path}.{key}")
    elif isinstance(expected, list) and expected:
        for index, element in enumerate(actual):
            failures = []
            for candidate in expected:
                try:
                    assert_same_shape(element, candidate, f"{path}[{index}]")
                    break
                except AssertionError as exc:
                    failures.append(str(exc))
            else:
                raise AssertionError(" | ".join(dict.fromkeys(failures)))
