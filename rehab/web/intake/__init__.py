"""Parcours d'entrée: patient contact, delivery data, acte d'adhésion and documents, D0, care team."""
