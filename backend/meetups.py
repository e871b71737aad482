"""Placeholder blueprint for the meetups feature (replaced by the feature's own code)."""
from flask import Blueprint

bp = Blueprint("meetups", __name__)
