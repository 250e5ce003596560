"""Demo and benchmark data (see ``demo.generate``)."""
