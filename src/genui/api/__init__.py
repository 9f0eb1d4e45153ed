"""genui.api"""
