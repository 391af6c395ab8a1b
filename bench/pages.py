"""Finds the URLs the benchmark drives: a parent section, an article slug, page N's cursor."""

from __future__ import annotations

import json
import sys
import urllib.parse
import urllib.request


def get(base: str, path: str) -> dict:  # type: ignore[type-arg]
    with urllib.request.urlopen(base + path) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def main() -> None:
    base, page = sys.argv[1], int(sys.argv[2])
    tree = get(base, "/v1/categories")["items"]
    # The parent section with the most children: a filter over several categories.
    section = max((child for root in tree for child in root["children"]),
                  key=lambda node: len(node["children"]))  # fmt: skip
    first = get(base, "/v1/articles?limit=20")
    slug = first["items"][0]["slug"]
    cursor = first["next_cursor"]
    for _ in range(page - 2):
        cursor = get(base, "/v1/articles?limit=20&cursor=" + cursor)["next_cursor"]
    quote = urllib.parse.quote
    print(f"CATEGORY={quote(section['slug'])}")
    print(f"SLUG={quote(slug)}")
    print(f"CURSOR={cursor}")


if __name__ == "__main__":
    main()
