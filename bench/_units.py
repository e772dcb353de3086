"""The national unit tree the load benchmarks build: ~7,100 kecamatan with 12 desa each."""


def national_units(*, units: int, desa, kecamatan_level, per: int = 12, name: str = "Desa {n}"):
    """Create ``units`` desa under ``units // per + 1`` kecamatan; returns both lists."""
    from award.models import Unit

    kecamatan = Unit.objects.bulk_create(
        Unit(code=f"K{n:05d}", name=f"Kecamatan {n}", level=kecamatan_level)
        for n in range(units // per + 1)
    )
    villages = Unit.objects.bulk_create(
        (
            Unit(code=f"D{n:06d}", name=name.format(n=n), level=desa, parent=kecamatan[n // per])
            for n in range(units)
        ),
        batch_size=5000,
    )
    return kecamatan, villages
