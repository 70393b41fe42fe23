"""OneWindow: an integrated government service platform."""
