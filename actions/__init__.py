"""Custom actions of the Wuzhong report assistant (rasa_sdk; run with `python -m rasa_sdk --actions actions`).

See README.md beside this file for what the REST channel returns to the web app.
"""

from records.masking import install_log_masking

# rasa_sdk has configured logging by the time it imports this package: from here on every log record of the
# action server (tracebacks of a failed action included) is masked before any handler writes it.
install_log_masking()
