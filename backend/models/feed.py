"""Following a sector or an officer, and the officers' updates (posts) with the feed queries."""

from peewee import JOIN, BooleanField, Check, DateTimeField, ForeignKeyField, TextField

from ..clock import iso
from ..db import db, is_postgres
from .base import BaseModel, JSONField
from .people import Staff, Youth
from .places import Sector


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
    def page_query(cls, sectors=(), officers=(), city_wide=False, before=None, limit=20):
        """(sql, params) selecting the ids of the newest unpinned posts from these sources, older than
        `before` = (created_at, id); None when there are no sources.

        One UNION of per-source branches, each an index range scan of at most `limit` rows, so a page
        costs the same on page 1 and page 500 (keyset, never OFFSET).
        """
        p = db.obj.param
        conditions = ([("sector_id = " + p, [s]) for s in sectors] + [("author_id = " + p, [o]) for o in officers]
                      + ([("sector_id IS NULL", [])] if city_wide else []))
        if not conditions:
            return None
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
            return branches[0], params
        return (f"SELECT id FROM ({' UNION '.join(branches)}) AS merged"
                f" ORDER BY created_at DESC, id DESC LIMIT {p}"), params + [limit]

    @classmethod
    def page_ids(cls, *sources, **options) -> list[int]:
        query = cls.page_query(*sources, **options)
        return [row[0] for row in db.execute_sql(*query).fetchall()] if query else []

    @classmethod
    def page(cls, sectors=(), officers=(), city_wide=False, before=None, limit=20) -> list[dict]:
        """One feed page as public dicts, newest first: one query (the page's ids joined to the posts)."""
        query = cls.page_query(sectors, officers, city_wide, before, limit)
        if query is None:
            return []
        return cls.public_rows("1 = 1", query[1], source=f"({query[0]}) AS top JOIN post AS p ON p.id = top.id")

    @classmethod
    def public_rows(cls, where: str, params: list, source: str = "post AS p") -> list[dict]:
        """Public dicts of the posts matching the SQL `where`, newest first, author and sector joined.

        Plain SQL on purpose: the feed runs it on every page and building it with the query builder
        cost more than running it.
        """
        sql = (f"SELECT {PUBLIC_SQL_COLUMNS} FROM {source} JOIN staff AS a ON a.id = p.author_id"
               f" LEFT JOIN sector AS s ON s.id = p.sector_id WHERE {where} ORDER BY p.created_at DESC, p.id DESC")
        stamp, as_json = cls.created_at.python_value, cls.tags.python_value
        return [public_post(row[0], row[1], as_json(row[2]), row[3], stamp(row[4]), stamp(row[5]), as_json(row[6]),
                            *row[7:11], stamp(row[11]), row[12], row[13])
                for row in db.execute_sql(sql, params).fetchall()]

    @classmethod
    def by_ids(cls, ids) -> list[dict]:
        p = db.obj.param
        return cls.public_rows(f"p.id IN ({', '.join([p] * len(ids))})", list(ids))

    @classmethod
    def pinned_from(cls, sectors=(), officers=(), city_wide=False) -> list[dict]:
        """The pinned posts of these sources (at most one per officer) as public dicts, newest first."""
        p = db.obj.param
        sources, params = [], []
        if sectors:
            sources.append(f"p.sector_id IN ({', '.join([p] * len(sectors))})")
            params += list(sectors)
        if officers:
            sources.append(f"p.author_id IN ({', '.join([p] * len(officers))})")
            params += list(officers)
        if city_wide:
            sources.append("p.sector_id IS NULL")
        if not sources:
            return []
        return cls.public_rows(f"p.pinned = {p} AND ({' OR '.join(sources)})", [True, *params])

    def pin(self):
        """Pin this post; the author's previously pinned post is unpinned. Caller holds a transaction."""
        Post.update(pinned=False).where((Post.author == self.author_id) & (Post.pinned == True)  # noqa: E712
                                        & (Post.id != self.id)).execute()
        self.pinned = True

    # --- what the API shows ------------------------------------------------------------------------

    def cursor_key(self):
        return self.created_at, self.id

    def public(self) -> dict:
        author, sector = self.author, self.sector
        return public_post(self.id, self.text, self.tags, self.pinned, self.created_at, self.edited_at, self.image,
                           author.id, author.name, author.title, author.photo, author.verified_at,
                           sector.id if sector else None, sector.name if sector else None)


PUBLIC_SQL_COLUMNS = ("p.id, p.text, p.tags, p.pinned, p.created_at, p.edited_at, p.image,"
                      " a.id, a.name, a.title, a.photo, a.verified_at, s.id, s.name")


def image_payload(image):
    """src (800 wide or smaller), srcset of every stored width, size and alt text of a post image."""
    if not image:
        return None
    key, sizes = image["key"], sorted(image["sizes"])
    urls = {w: f"/media/posts/{key}-{w}.jpg" for w in sizes}
    default = max([w for w in sizes if w <= 800] or sizes[:1])
    return {"src": urls[default], "srcset": ", ".join(f"{u} {w}w" for w, u in urls.items()),
            "width": image["width"], "height": image["height"], "alt": image.get("alt") or ""}


def public_post(post_id, text, tags, pinned, created_at, edited_at, image,
                author_id, author_name, title, photo, verified_at, sector_id, sector_name) -> dict:
    """What anyone may see of a post (the same for the feed, the pages and the post's own responses)."""
    return {
        "id": post_id, "text": text, "tags": tags or [], "pinned": bool(pinned),
        "created_at": iso(created_at), "edited_at": iso(edited_at), "image": image_payload(image),
        "author": {"id": author_id, "name": author_name, "title": title, "photo": photo,
                   "verified": verified_at is not None},
        "sector": {"id": sector_id, "name": sector_name} if sector_id else None,
    }


# City-wide posts (no sector): PostgreSQL does not order an index scan by "sector_id IS NULL", so they get
# their own partial index that the city-wide feed branch walks newest first.
Post.add_index(Post.index(Post.pinned, Post.created_at, Post.id, where=Post.sector.is_null(),
                          name="post_city_wide_pinned_created_at_id"))
# One pinned post per officer, kept by the database itself.
Post.add_index(Post.index(Post.author, unique=True, where=(Post.pinned == True),  # noqa: E712
                          name="post_one_pinned_per_author"))
