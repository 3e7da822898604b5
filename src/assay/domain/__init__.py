"""Pure dataclasses and functions: no I/O, no framework imports."""
