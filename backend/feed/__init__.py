"""Following a sector or an officer, the officers' posts (with pictures) and the youth's feed."""
from ..demo import add_demo_step
from . import posts, views


def init_app(app):
    app.register_blueprint(views.bp)
    app.register_blueprint(posts.bp)
    add_demo_step(app, 20, posts.seed_demo_posts)
