"""The language-model side of the agent: model packs, the llama.cpp chat model, a scripted stand-in."""
