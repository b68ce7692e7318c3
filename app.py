"""Entry point for the web app: `python app.py` serves it exactly like `assistant serve`."""

from assistant.app.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["serve"]))
