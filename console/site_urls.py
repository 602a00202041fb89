"""The site: the console app at the root (its URL names under the namespace `console:`)."""
from django.urls import include, path

urlpatterns = [path("", include("console.urls"))]
