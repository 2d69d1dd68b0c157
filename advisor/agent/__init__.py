"""The agent: a local chat model calling the advisor's tools in a LangGraph loop.

Front ends use only what is exported here (and the events in advisor/events.py).
"""

from advisor.agent.advisor import Advisor, open_advisor
from advisor.agent.threads import ThreadInfo, new_thread_id

__all__ = ["Advisor", "ThreadInfo", "new_thread_id", "open_advisor"]
