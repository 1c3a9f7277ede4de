"""ipywidgets front ends: the inbox and the dashboards, for JupyterLab and Voilà."""
