"""Placeholder blueprint for the sectors feature (replaced by the feature's own code)."""
from flask import Blueprint

bp = Blueprint("sectors", __name__)
