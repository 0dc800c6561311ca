"""Price history: units and ECB rates (normalise), guards (drift), importers of public datasets, model identity, point-in-time lookup."""
