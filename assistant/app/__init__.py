"""What faces the user: service.py holds the application's verbs; cli.py (with terminal.py)
and web/ only present them. daemons.py starts local servers for tests, benchmarks and CI."""
