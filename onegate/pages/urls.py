"""URLs of the information pages (inside the i18n patterns, so each has a Thai twin under /th/)."""

from django.urls import path

from onegate.pages import views

app_name = "pages"

urlpatterns = [
    path(f"{page}/", views.information, {"page": page}, name=page)
    for page in sorted(views.INFORMATION_PAGES)
]
