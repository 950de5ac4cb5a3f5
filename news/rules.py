"""Who may do what with news (django-rules, the one source of truth).

- **Anyone** reads published articles whose publication moment has come.
- **Regional-office staff** write articles for their own office, send them for review and
  publish them; they see their office's articles in the back office.
- **The Secretariat** writes for any office, publishes anywhere and manages categories.
"""

import rules

from members.rules import is_office_staff, is_secretariat, staffed_office_ids


@rules.predicate
def is_staff_of_article_office(user, article) -> bool:
    if article is None:
        return is_office_staff(user)
    return article.office_id in staffed_office_ids(user)


article_staff = is_secretariat | is_staff_of_article_office

rules.add_perm("news.view_article", article_staff)
rules.add_perm("news.add_article", is_secretariat | is_office_staff)
rules.add_perm("news.change_article", article_staff)
rules.add_perm("news.delete_article", is_secretariat)
rules.add_perm("news.publish_article", article_staff)
for _action in ("view", "add", "change", "delete"):
    rules.add_perm(f"news.{_action}_category", is_secretariat)
