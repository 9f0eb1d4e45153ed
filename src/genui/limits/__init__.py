"""genui.limits"""
