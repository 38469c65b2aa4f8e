"""The AI register and its governance: AI systems, policies, processing activities,
assessments, their links, the guided AI Act classification, policy packs and bulk imports.
"""
