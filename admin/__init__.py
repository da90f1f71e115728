"""Assembly of the console: settings, database, auth, i18n and the Starlette app."""
