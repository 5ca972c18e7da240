from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("articles/<slug:slug>/comments/", views.comment_post, name="post"),
    path("comments/<int:pk>/edit/", views.comment_edit_page, name="edit"),
    path("comments/<int:pk>/withdraw/", views.comment_withdraw_page, name="withdraw"),
    path("comments/confirm/<str:token>/", views.confirm_replies, name="confirm_replies"),
    path("comments/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
