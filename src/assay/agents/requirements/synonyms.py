"""The words a requirement uses for the same thing, one group a line (shipped data, no model).

A term of the instruction matches a scenario when it, or any word of a group it belongs to,
occurs in the scenario's text. Groups name what web apps do (search, filter, create, a cart, a
board…), not domains: "checkout" is its own group, because a cart that works says nothing of a
payment step that may not be built. Words are stemmed when read, so "tasks" and "task" are one
entry; several words ("sign in", "dark mode") match as consecutive words.
"""

from __future__ import annotations

GROUPS: tuple[str, ...] = (
    "search, find, lookup, look up, seek, keyword, searchbox, search box, search bar",
    "filter, narrow, refine, facet, show only, only show",
    "sort, order, arrange, rank, ascending, descending, reorder",
    "create, add, make, insert, compose",
    "delete, remove, trash, discard, erase, destroy",
    "edit, update, modify, change, rename, amend",
    "login, log in, sign in, signin, logon, log on",
    "logout, log out, sign out, signout, log off",
    "register, registration, signup, sign up, enroll, create account, new account",
    "forgot password, reset password, password reset, recover, recovery",
    "cart, basket, bag, shopping cart, add to cart",
    "checkout, check out, payment, pay, purchase",
    "product, catalog, catalogue, goods, merchandise",
    "task, todo, to do, to-do, chore",
    "project, workspace, board",
    "kanban, board, column, card, lane, swimlane, drag, drop, drag and drop, move",
    "dialog, modal, popup, pop up, overlay, lightbox",
    "counter, count, badge, quantity, number of, increment, decrement",
    "tab, tabs, tabbed, tab panel",
    "pagination, paginate, next page, previous page, page number, load more, pager",
    "like, favorite, favourite, star, bookmark, heart, upvote, wishlist, wish list",
    "comment, reply, discussion, thread",
    "upload, file, attachment, attach, import",
    "download, export, csv",
    "profile, account, settings, preferences, avatar",
    "price, cost, total, subtotal, amount, fee",
    "date, due, due date, deadline, calendar, schedule",
    "tag, label, category, categorize",
    "status, state, done, complete, completed, finished, pending, in progress",
    "notification, notify, toast, alert, snackbar",
    "theme, dark mode, light mode, dark theme, color scheme, appearance",
    "toggle, switch, on off",
    "message, chat, conversation, inbox",
    "email, e-mail, mail",
    "list, table, grid, listing",
    "image, photo, picture, gallery, thumbnail",
    "menu, navigation, nav, navbar, sidebar, breadcrumb",
    "validation, validate, invalid, required, missing, empty, error message, refused, rejected",
    "undo, redo, revert",
    "share, invite, collaborate",
    "team, member, collaborator",
    "rating, rate, review, stars",
    "reload, refresh, persist, persistence, local storage, saved, survive",
    "back, forward, history, browser back",
    "dashboard, overview, summary",
    "language, locale, translation, translate",
)

# Groups of things done, not things: in "change their settings" the settings must be there too,
# or every update of the app would be singled out. Named by their first word.
ACTIONS: frozenset[str] = frozenset(
    {
        "search", "filter", "sort", "create", "delete", "edit", "login", "logout", "register",
        "forgot password", "upload", "download", "share", "undo", "reload", "back", "toggle",
    }
)  # fmt: skip
