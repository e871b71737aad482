"""Following a sector or an officer, and the officers' updates (posts) with the feed queries."""
from datetime import timezone

from peewee import JOIN, BooleanField, CharField, Check, DateTimeField, ForeignKeyField, TextField, fn

from ..db import db, is_postgres
from .base import BaseModel, JSONField
from .people import Staff, Youth
from .places import Sector


def iso(value):
    """A stored naive-UTC timestamp as ISO 8601 with its offset (None stays None)."""
    return value.replace(tzinfo=timezone.utc).isoformat() if value else None


class Follow(BaseModel):
    """A youth follows a sector or an officer (exactly one of the two)."""
    MAX_PER_YOUTH = 60

    youth = ForeignKeyField(Youth, backref="follows", on_delete="CASCADE", index=False)
    sector = ForeignKeyField(Sector, null=True, backref="follows", on_delete="CASCADE")
    officer = ForeignKeyField(Staff, null=True, backref="follows", on_delete="CASCADE")

    class Meta:
        indexes = ((("youth", "sector"), True), (("youth", "officer"), True))
        constraints = [Check("(sector_id IS NULL) <> (officer_id IS NULL)")]

    @classmethod
    def of(cls, youth_id):
        return cls.select().where(cls.youth == youth_id)

    @classmethod
    def sources(cls, youth_id) -> tuple[list[int], list[int]]:
        """(sector ids, officer ids) this youth follows."""
        sectors, officers = [], []
        for sector_id, officer_id in cls.select(cls.sector, cls.officer).where(cls.youth == youth_id).tuples():
            (sectors if sector_id else officers).append(sector_id or officer_id)
        return sorted(sectors), sorted(officers)

    @classmethod
    def find(cls, youth_id, sector_id=None, officer_id=None):
        target = (cls.sector == sector_id) if sector_id else (cls.officer == officer_id)
        return cls.get_or_none((cls.youth == youth_id) & target)

    @classmethod
    def follower_count(cls, officer_id) -> int:
        """How many youth follow this officer (never who)."""
        return cls.select().where(cls.officer == officer_id).count()

    @classmethod
    def sector_follower_count(cls, sector_id) -> int:
        return cls.select().where(cls.sector == sector_id).count()


class Post(BaseModel):
    """An officer's update to their sector, or city-wide when `sector` is empty."""
    TOPICS = ("traffic", "drugs_alcohol", "personal_safety", "events", "other")
    MAX_TEXT = 1000

    author = ForeignKeyField(Staff, backref="posts", on_delete="CASCADE", index=False)
    sector = ForeignKeyField(Sector, null=True, backref="posts", on_delete="CASCADE", index=False)
    text = TextField()
    tags = JSONField(default=list)
    image = JSONField(null=True)               # {"key", "width", "height", "sizes": [320, 800, ...], "alt"}
    pinned = BooleanField(default=False)
    edited_at = DateTimeField(null=True)

    class Meta:
        # Each feed branch is "one source, not pinned, newest first": these two indexes answer it.
        indexes = ((("sector", "pinned", "created_at", "id"), False),
                   (("author", "pinned", "created_at", "id"), False))

    # --- queries --------------------------------------------------------------------------------

    @classmethod
    def with_people(cls):
        """Posts with their author and sector joined (one query for a page)."""
        return (cls.select(cls, Staff, Sector)
                .join(Staff, on=(cls.author == Staff.id))
                .switch(cls).join(Sector, JOIN.LEFT_OUTER, on=(cls.sector == Sector.id)))

    @classmethod
    def page_ids(cls, sectors=(), officers=(), city_wide=False, before=None, limit=20) -> list[int]:
        """Ids of the newest unpinned posts from these sources, older than `before` = (created_at, id).

        One UNION of per-source branches, each an index range scan of at most `limit` rows, so a page
        costs the same on page 1 and page 500 (keyset, never OFFSET).
        """
        p = db.obj.param
        conditions = ([("sector_id = " + p, [s]) for s in sectors] + [("author_id = " + p, [o]) for o in officers]
                      + ([("sector_id IS NULL", [])] if city_wide else []))
        if not conditions:
            return []
        keyset, keyset_params = "", []
        if before is not None:
            stamp = before[0] if is_postgres() else before[0].isoformat(" ")
            keyset, keyset_params = f" AND (created_at, id) < ({p}, {p})", [stamp, before[1]]
        branches, params = [], []
        for n, (condition, values) in enumerate(conditions):
            branches.append(f"SELECT id, created_at FROM (SELECT id, created_at FROM post WHERE {condition}"
                            f" AND pinned = {p}{keyset} ORDER BY created_at DESC, id DESC LIMIT {p}) AS b{n}")
            params += [*values, False, *keyset_params, limit]
        if len(branches) == 1:
            sql = branches[0]
        else:
            sql = (f"SELECT id FROM ({' UNION '.join(branches)}) AS merged"
                   f" ORDER BY created_at DESC, id DESC LIMIT {p}")
            params.append(limit)
        return [row[0] for row in db.execute_sql(sql, params).fetchall()]

    @classmethod
    def page(cls, sectors=(), officers=(), city_wide=False, before=None, limit=20) -> list:
        """The posts of one feed page, newest first, authors and sectors joined."""
        ids = cls.page_ids(sectors, officers, city_wide, before, limit)
        if not ids:
            return []
        found = {post.id: post for post in cls.with_people().where(cls.id.in_(ids))}
        return [found[i] for i in ids if i in found]

    @classmethod
    def pinned_from(cls, sectors=(), officers=(), city_wide=False):
        """The pinned posts of these sources (at most one per officer), newest first."""
        condition = cls.id < 0
        if sectors:
            condition |= cls.sector.in_(list(sectors))
        if officers:
            condition |= cls.author.in_(list(officers))
        if city_wide:
            condition |= cls.sector.is_null()
        return (cls.with_people().where((cls.pinned == True) & condition)  # noqa: E712
                .order_by(cls.created_at.desc(), cls.id.desc()))

    def pin(self):
        """Pin this post; the author's previously pinned post is unpinned. Caller holds a transaction."""
        Post.update(pinned=False).where((Post.author == self.author_id) & (Post.pinned == True)  # noqa: E712
                                        & (Post.id != self.id)).execute()
        self.pinned = True

    # --- what the API shows ------------------------------------------------------------------------

    def cursor_key(self):
        return self.created_at, self.id

    def image_payload(self):
        if not self.image:
            return None
        key, sizes = self.image["key"], sorted(self.image["sizes"])
        urls = {w: f"/media/posts/{key}-{w}.jpg" for w in sizes}
        default = max([w for w in sizes if w <= 800] or sizes[:1])
        return {"src": urls[default], "srcset": ", ".join(f"{u} {w}w" for w, u in urls.items()),
                "width": self.image["width"], "height": self.image["height"], "alt": self.image.get("alt") or ""}

    def public(self) -> dict:
        author, sector = self.author, self.sector
        return {
            "id": self.id, "text": self.text, "tags": self.tags or [], "pinned": bool(self.pinned),
            "created_at": iso(self.created_at), "edited_at": iso(self.edited_at), "image": self.image_payload(),
            "author": {"id": author.id, "name": author.name, "title": author.title, "photo": author.photo,
                       "verified": author.is_verified},
            "sector": {"id": sector.id, "name": sector.name} if sector else None,
        }


# One pinned post per officer, kept by the database itself.
Post.add_index(Post.index(Post.author, unique=True, where=(Post.pinned == True),  # noqa: E712
                          name="post_one_pinned_per_author"))
