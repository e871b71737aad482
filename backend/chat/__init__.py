"""The Monday chat: hub.py (plain Python) and ws.py (the flask-sock adapter), plus the sessions API."""
from flask import Blueprint

bp = Blueprint("chat", __name__)
