"""Human-readable durations and sizes."""


def format_duration(ms):
    """`850ms`, `2.350s`, `4m05s`, `2h03m`."""
    if ms < 1000:
        return "%dms" % ms
    seconds = ms / 1000
    if seconds < 60:
        return "%.3fs" % seconds
    minutes, seconds = divmod(int(seconds), 60)
    if minutes < 60:
        return "%dm%02ds" % (minutes, seconds)
    return "%dh%02dm" % divmod(minutes, 60)


def format_size(size):
    """Bytes in the largest unit that keeps the number at least 1: `512 B`, `1.5 KiB`."""
    units = ["B", "KiB", "MiB", "GiB"]
    value = float(size)
    for unit in units:
        if value < 1024 or unit == units[-1]:
            break
        value /= 1024
    if unit == "B":
        return "%d %s" % (size, unit)
    return "%.1f %s" % (value, unit)
