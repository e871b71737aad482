"""Handles and profile links of the apps teens use: "snäppää mua: aino_15", "snapis aino15", "sc: koira",
"ig @x", "insta x.y", "dm @coolkid", "discord coolkid#1234", "snapchat.com/add/x", "instagram.com/x", "t.me/x".

A platform word alone ("can the police read my snaps?") is not a handle: a user name must follow it,
written like one (with a digit, _ or ., after ":" or "@", or after "mua"/"me" as the message's last word).
"""
import re

from .normalise import spell_out

# stems: snap, snäppää, snäpissä, snapis, sc, insta, instaan, ig, tiktok, discord, telegram, whatsapp, kik ...
PLATFORM = (r"snap\w*|snäp\w*|snäb\w*|sn[4@]p\w*|sc|insta\w*|ig|inst|tiktok\w*|tt|tik\s?tok|discord\w*|dc|dissi|"
            r"telegram\w*|tg|telkku|whats\s?app\w*|wa|watsapp\w*|wätsäp\w*|wats\w*|kik|twitter|threads|bereal|"
            r"facebook|fb|twitch|steam|roblox|psn|xbox|viber|signal|вайбер|телеграм\w*|інст\w*|снеп\w*|тікток\w*|"
            r"👻|📸|📷")
TO_ME = r"((?:\s+(?:mua|mulle|mut|minua|me|mig|mej|meg|мене|мені))*)(?:\s+(?:is|er|är|on|oli|var|є|was))?"
NAME = r"[a-z0-9_.\-]{3,30}"
FOLLOWERS = (r"(?:\s*[,.!?😀-🙏❤️✨🔥👋👻]*\s*(?:pls|plz|please|pliis|plis|kiitos|tack|tak|дякую|add|adda|addaa)?"
             r"\s*[!.?]*\s*$)")

AFTER_PLATFORM = re.compile(          # snäppää mua: aino_15, ig aino.k, 👻: aino_15, snap ➡️ aino_15
    r"(?<![\w.])(?:%s)(?:\s*[^\w\s:=@]{1,3})?%s(\s*[:=@-]\s*@?|\s+@?)(%s)" % (PLATFORM, TO_ME, NAME), re.I)
AT_HANDLE = re.compile(r"(?<![\w.@])@(?!(?:poliisi|police|polis|politi|moderator|mod|admin|host)\b)[a-z0-9_.]{2,30}\b",
                       re.I)
DISCORD_TAG = re.compile(r"\b[a-z0-9_.]{2,32}#\d{4}\b", re.I)
ADD_ME = re.compile(
    r"\b(?:add|adda|addaa|addaile|lisää|lisäile|lägg till|addera|tilføj|додай|добав\w*)\s+"
    r"(?:me|mut|mua|mig|mej|meg|мене)\b[^\n]{0,30}?[:@]\s*(%s)" % NAME, re.I)
PROFILES = ("snapchat.com/add/", "snapchat.com/", "instagram.com/", "instagr.am/", "tiktok.com/", "t.me/",
            "telegram.me/", "discord.gg/", "discord.com/users/", "facebook.com/", "fb.com/", "fb.me/", "wa.me/",
            "x.com/", "twitter.com/", "twitch.tv/", "threads.net/", "bere.al/", "kik.me/")
PROFILE_URL = re.compile(r"(?<![\w.])(?:%s)\s*@?[\w.\-]{2,}" % "|".join(     # also written "t . me / aino"
    re.escape(p).replace(r"\.", r"\s*\.\s*").replace("/", r"\s*/\s*") for p in PROFILES), re.I)
USERNAME = re.compile(r"(?<![\w@.])[a-z][a-z0-9]*[._][a-z0-9]+(?:[._][a-z0-9]+)*(?![\w@])", re.I)   # aino_15, mia.j09
PLATFORM_WORD = re.compile(r"(?<![\w.])(?:%s)(?!\w)" % r"snap\w*|snäp\w*|insta\w*|ig|tiktok\w*|discord\w*|"
                           r"telegram\w*|tele|sc|dc|tg|kik|👻|снеп\w*|інст\w*|телеграм\w*", re.I)
DOMAIN_END = re.compile(r"\.(?:com|net|org|fi|se|dk|ua|io|me|eu|app|html?|jpg|png)$", re.I)
STOPWORDS = {"the", "and", "can", "you", "are", "is", "was", "what", "how", "why", "if", "it", "or", "for", "that",
             "this", "with", "ja", "on", "ei", "et", "että", "kun", "jos", "mitä", "onko", "voiko", "miten", "saako",
             "och", "att", "det", "som", "är", "kan", "hur", "vad", "om", "og", "er", "hvad", "hvordan",
             "må", "чи", "як", "що", "і", "та", "не", "account", "tili", "konto", "story", "stories", "streak",
             "streaks", "filter", "filters", "map", "maps", "kartta", "chat", "chatti", "video", "videos", "post",
             "posts", "group", "ryhmä", "grupp", "gruppe", "dm", "dms", "viesti", "live", "ban", "banned",
             "kuvat", "kuvia", "pics", "photos", "bilder", "billeder", "messages", "screenshot", "screenshots"}


def _username_like(name: str) -> bool:
    """Written like a user name: with _ or a digit, or with a dot in a longer word ("mia.j", not "e.g")."""
    return "_" in name or any(ch.isdigit() for ch in name) or ("." in name.strip(".") and len(name) >= 5)


def _looks_like_name(name: str, after: str, colon: bool, to_me: bool) -> bool:
    """A user name: has a digit/_/. and a letter, or follows ':'/'@', or "me"/"mua" and ends the message."""
    name = name.strip(".-")
    if len(name) < 3 or name.casefold() in STOPWORDS or name.isdigit():
        return False
    if _username_like(name) and re.search(r"[a-z]", name, re.I):
        return True
    return colon or (to_me and bool(re.match(FOLLOWERS, after)))


def _username_with_platform(text: str) -> bool:
    """A user-name-like word ("aino_15", "mia.j09") anywhere in a message that names an app."""
    names = [m.group() for m in USERNAME.finditer(text) if not DOMAIN_END.search(m.group())]
    names = [n for n in names if _username_like(n)]
    return bool(names) and bool(PLATFORM_WORD.search(text))


def has_handle(text: str) -> bool:
    spelled = spell_out(text)
    if AT_HANDLE.search(spelled) or DISCORD_TAG.search(text) or PROFILE_URL.search(spelled) or ADD_ME.search(text):
        return True
    if _username_with_platform(spelled):
        return True
    for match in AFTER_PLATFORM.finditer(spelled):
        to_me, sign, name = match.groups()
        colon = bool(re.search(r"[:=@]", sign))
        if _looks_like_name(name, text[match.end():], colon, bool(to_me.strip())):
            return True
    return False
