from fabricloop.core.errors import Conflict, NotFound


class SavedSearchNotFound(NotFound):
    message = "The saved search does not exist."


class TooManySavedSearches(Conflict):
    code = "too_many_saved_searches"
    message = "You have the most saved searches allowed; delete one first."
