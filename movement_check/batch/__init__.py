"""Many clips through one test, here or on a Dask cluster."""
