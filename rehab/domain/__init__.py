"""Pure domain core: rules of the programme, free of Flask and SQLAlchemy so they can be tested alone."""
