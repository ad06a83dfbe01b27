from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    username = StringField("Identifiant", validators=[DataRequired("Saisissez votre identifiant.")])
    password = PasswordField("Mot de passe", validators=[DataRequired("Saisissez votre mot de passe.")])


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Mot de passe actuel", validators=[DataRequired("Saisissez votre mot de passe actuel.")])
    new = PasswordField("Nouveau mot de passe", validators=[
        DataRequired("Saisissez un nouveau mot de passe."),
        Length(min=10, message="Au moins 10 caractères."),
    ])
    confirm = PasswordField("Confirmation", validators=[EqualTo("new", "Les deux saisies diffèrent.")])
