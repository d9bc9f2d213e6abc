"""A weekly review: what got done, what is late, what is next."""

from .core import Priority, filter_tasks, format_task, overdue, sort_tasks


def weekly_review(tasks, today):
    done = filter_tasks(tasks, done=True)
    late = overdue(tasks, today)
    upcoming = [t for t in sort_tasks(filter_tasks(tasks, done=False)) if t not in late][:3]
    urgent = sum(1 for t in tasks if not t.done and t.priority == Priority.HIGH)
    lines = [f"Review for {today.isoformat()}: {len(done)} done, {len(late)} late, {urgent} urgent"]
    for title, group in (("Late", late), ("Next", upcoming)):
        if group:
            lines.append(f"{title}:")
            lines += [f"  {format_task(t, today)}" for t in group]
    return "\n".join(lines)
