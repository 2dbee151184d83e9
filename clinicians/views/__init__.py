"""Pages of the clinical record, one module per part."""
