"""The web app: FastAPI routes that only read the concept graph."""
