"""The PWA shell: JS module graph, i18n catalogues. Fixtures: tests/conftest.py."""
