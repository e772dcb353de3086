"""*Integritas bukti*, the admin's view of a period's evidence through the jury assistant:
groups of identical and near-identical files across units, flags counted per level, and what
each flag is worth — measured on what juries then decided (``VerdictSuggestion``)."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Count, Q

from award.models import Period
from evaluasi.checks.selectors import FLAG_CODES, flag_labels, period_flags
from evaluasi.models import Evidence
from penjurian.models import VerdictSuggestion


def integrity_overview(*, period: Period) -> dict:
    """Everything the page shows, from one pass over the period's flags."""
    labels = flag_labels()
    per_level: dict[str, Counter] = defaultdict(Counter)
    identical: dict[str, list] = defaultdict(list)
    near: list[dict] = []
    files = links = pending = flagged = 0
    for item, flags in period_flags(period=period):
        level = item.submission.unit.level.name
        if item.kind == Evidence.Kind.URL:
            links += 1
        else:
            files += 1
        if flags is None:
            pending += 1
            continue
        flagged += bool(flags)
        for found in flags:
            per_level[level][found["code"]] += 1
            if found["code"] == "duplikat":
                identical[_group_key(item, found)].append(item)
            elif found["code"] == "hampir_sama":
                near.append({"evidence": item, "others": found["details"]["others"]})
    levels = sorted(per_level)
    counts = [
        {
            "code": code,
            "label": labels[code],
            "levels": [per_level[level][code] for level in levels],
            "total": sum(per_level[level][code] for level in levels),
        }
        for code in FLAG_CODES
    ]
    return {
        "files": files,
        "links": links,
        "pending": pending,
        "flagged": flagged,
        "levels": levels,
        "counts": counts,
        "identical": [
            {"items": sorted(items, key=lambda i: i.submission.unit.code)}
            for _key, items in sorted(identical.items())
        ],
        "near": near,
        "worth": flag_worth(period=period),
    }


def _group_key(item, found) -> str:
    units = sorted({o["evidence"] for o in found["details"]["others"]} | {item.pk})
    return ",".join(str(unit) for unit in units)


def flag_worth(*, period: Period) -> dict:
    """Per flag: how many verdicts were given while it was raised, and how often the jury
    then adjusted or rejected; and how often juries followed the suggestion overall."""
    records = VerdictSuggestion.objects.filter(verification__submission__period=period)
    worth = []
    labels = flag_labels()
    tally: dict[str, Counter] = defaultdict(Counter)
    for flags, decision in records.values_list("flags", "decision"):
        for code in flags:
            tally[code][decision] += 1
    for code in [*FLAG_CODES, "bukti_kurang"]:
        counted = tally.get(code)
        if not counted:
            continue
        total = sum(counted.values())
        changed = counted["adjust"] + counted["reject"]
        worth.append(
            {
                "code": code,
                "label": labels.get(code, code),
                "verdicts": total,
                "adjusted": counted["adjust"],
                "rejected": counted["reject"],
                "share": round(100 * changed / total),
            }
        )
    followed = records.aggregate(
        accept=Count("pk", filter=Q(suggested="accept")),
        accept_followed=Count("pk", filter=Q(suggested="accept", followed=True)),
        check=Count("pk", filter=Q(suggested="check")),
        check_followed=Count("pk", filter=Q(suggested="check", followed=True)),
    )
    return {"flags": worth, "followed": followed}
