"""Pages of a long list that is read newest first, without counting it.

Django's Paginator counts every row to say "page 3 of 4,130": on the delivery
log, years of messages, that count costs more than the page itself. A log is
read from the newest end, so its pager says only "Newer" and "Older": one row
more than a page is read to know whether an older page exists."""

from dataclasses import dataclass, field


@dataclass
class OpenEndedPage:
    """Page ``number`` (from 1) of ``per_page`` rows; iterates over its rows."""

    object_list: list
    number: int
    has_next: bool
    paginator: None = field(default=None, init=False)  # no total: the pager leaves it out

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.has_previous or self.has_next

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1


def open_ended_page(queryset, number, per_page):
    """The page asked for by ``number`` (text from the query string; page 1 if it is
    not a whole number from 1 up)."""
    try:
        number = max(int(number), 1)
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    return OpenEndedPage(rows[:per_page], number, has_next=len(rows) > per_page)
