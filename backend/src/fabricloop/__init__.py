"""FabricLoop: a marketplace for circular textiles."""

__version__ = "0.1.0"
