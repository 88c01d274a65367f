"""routecfg: one routing spec, compiled into every file that routes an agent toolkit's models."""

__version__ = "0.1.0"
