"""Row indices of the packed neuron state and of the event counters.

The neuron state of a network is one float64 array of shape ``(N_FLOAT_STATE, N)``
(one row per variable) plus an int64 array of shape ``(N_INT_STATE, N)``; rows of a
C-ordered array are contiguous, so the per-step loops stream through them.
"""

# float state rows
V_E = 0  #: excitatory membrane potential, mV
GE_E = 1  #: excitatory conductance onto excitatory neurons (leak units)
GI_E = 2  #: inhibitory conductance onto excitatory neurons (leak units)
THETA = 3  #: adaptive threshold increment, mV
V_I = 4  #: inhibitory membrane potential, mV
GE_I = 5  #: excitatory conductance onto inhibitory neurons
GI_I = 6  #: inhibitory conductance onto inhibitory neurons (unused by the WTA wiring)
Y1 = 7  #: fast postsynaptic STDP trace
Y2 = 8  #: slow postsynaptic STDP trace
HOLD_E = 9  #: 1.0 while an excitatory neuron is refractory (v held at reset), else 0.0
BLOCK_E = 10  #: +inf added to the threshold within the minimum inter-spike interval
HOLD_I = 11  #: 1.0 while an inhibitory neuron is refractory
BLOCK_I = 12  #: +inf added to the inhibitory threshold while refractory
N_FLOAT_STATE = 13

# int state rows
LAST_E = 0  #: time step of each excitatory neuron's last spike
LAST_I = 1  #: time step of each inhibitory neuron's last spike
RECENT_E = 2  #: ids of the excitatory neurons that fired recently (a list, see below)
RECENT_I = 3  #: ids of the inhibitory neurons that fired recently
N_RECENT_E = 4  #: column 0: length of the RECENT_E list
N_RECENT_I = 5  #: column 0: length of the RECENT_I list
AWAKE_I = 6  #: ids of the inhibitory neurons updated each step (a list, see below)
N_AWAKE_I = 7  #: column 0: length of the AWAKE_I list
IS_AWAKE_I = 8  #: 1 where an inhibitory neuron is on the AWAKE_I list, else 0
STEPPED = 9  #: column 0: the last time step the neurons were advanced to
N_INT_STATE = 10

# A neuron is "recent" from its spike until ``recent_steps`` later: the lists let the
# per-step loops reset refractory and inter-spike-interval flags, and apply pre-spike
# depression, by visiting only the few neurons that fired lately.

# An inhibitory neuron whose state is an exact fixed point of its update (no
# conductance, ``v`` unchanged by the step, not refractory) "sleeps": it is left off the
# AWAKE_I list and skipped, which gives bit for bit the values updating it would. It
# wakes when its excitatory partner fired at the previous step (the only input the WTA
# wiring gives it) and every neuron wakes when the clock jumps (a rest between
# presentations, a restored checkpoint). A list holding every neuron is always valid.

#: "Never spiked": far enough in the past for every refractory or trace horizon.
NEVER = -(2**40)

# event counters (int64 array of N_COUNTERS), summed over the images of a phase
INPUT_SPIKES = 0  #: input spikes delivered
ACCUMULATIONS = 1  #: input spike x transmitting (active or frozen) outgoing synapse
DEP_NOMINAL = 2  #: pre-spike depressions on active synapses
DEP_EFFECTIVE = 3  #: ... of which changed the weight
POT_NOMINAL = 4  #: post-spike potentiations on active synapses
POT_EFFECTIVE = 5  #: ... of which changed the weight
EXC_SPIKES = 6  #: excitatory spikes (all presentations)
INH_SPIKES = 7  #: inhibitory spikes
NEURON_UPDATES = 8  #: neuron state updates (excitatory + inhibitory) x time steps
TIME_STEPS = 9  #: simulated time steps during presentations
PRESENTATIONS = 10  #: presentations (re-shown images count again)
N_COUNTERS = 11

COUNTER_NAMES = (
    "input_spikes",
    "accumulations",
    "stdp_depressions",
    "stdp_depressions_effective",
    "stdp_potentiations",
    "stdp_potentiations_effective",
    "exc_spikes",
    "inh_spikes",
    "neuron_updates",
    "time_steps",
    "presentations",
)
