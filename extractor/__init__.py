"""nianbao: government information-disclosure annual reports to validated JSON."""
