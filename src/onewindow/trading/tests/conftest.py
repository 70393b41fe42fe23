from .fixtures import parties, start_guarantor, tender  # noqa: F401 (fixtures of this folder)
