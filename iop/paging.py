"""Pages of a long list that is read newest first, without counting it.

Django's Paginator counts every row to say "page 3 of 4,130": on the delivery
log, years of messages, that count costs more than the page itself. A log is
read from the newest end, so its pager says only "Newer" and "Older": one row
more than a page is read to know whether an older page exists."""

from dataclasses import dataclass, field

# Far past any log's end (fifty million messages at fifty a page), and an offset
# every database takes: a larger page number is read as this one.
LAST_PAGE = 1_000_000


@dataclass
class OpenEndedPage:
    """Page ``number`` (from 1); iterates over its rows. Answers as a Django page
    does, but has no ``paginator`` (no total): the pager then leaves the total out."""

    object_list: list
    number: int
    older: bool  # whether an older page exists
    paginator: None = field(default=None, init=False)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self):
        return self.older

    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.has_previous() or self.has_next()

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1


def open_ended_page(queryset, number, per_page):
    """The page asked for by ``number`` (text from the query string; page 1 if it is
    not a whole number from 1 up)."""
    try:
        number = min(max(int(number), 1), LAST_PAGE)
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    return OpenEndedPage(rows[:per_page], number, older=len(rows) > per_page)
