"""One moderation workflow for members' contributions the secretariat publishes.

A member drafts a contribution, submits it, and the secretariat publishes it or returns it with
a note (a published one may be returned too, which takes it down). The catalog's projects and
the Data Portal's initiatives share it; every new kind of moderated content builds on it:

* ``models.Moderated``: the abstract fields (status, note, who and when) and constraints;
* ``services.Moderation``: the kind's parameters (permission, notification kinds, messages)
  and ``moderation_submit`` / ``moderation_publish`` / ``moderation_return``;
* ``admin.ModerationAdminMixin``: the "publish" and "return with a note" changelist actions,
  the status column and filter, on ``templates/admin/moderation/return_with_note.html``.
"""
