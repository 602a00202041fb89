from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "console"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("login/", views.Login.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="console:login"), name="logout"),
    path("item/<str:review_id>/", views.item, name="item"),
    path("item/<str:review_id>/<str:kind>/", views.act, name="act"),
    path("participants/", views.participants, name="participants"),
    path("chat/<str:chat_id>/user/<str:user_id>/<str:kind>/", views.participant_act, name="participant_act"),
    path("journal/", views.journal, name="journal"),
    path("lexicons/", views.lexicons, name="lexicons"),
    path("lexicons/README.md", views.lexicon_readme, name="lexicon_readme"),
    path("console.css", views.stylesheet, name="css"),
]
