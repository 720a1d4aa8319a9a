"""Custom actions of the Wuzhong report assistant (rasa_sdk; run with `python -m rasa_sdk --actions actions`).

See README.md beside this file for what the REST channel returns to the web app.
"""
