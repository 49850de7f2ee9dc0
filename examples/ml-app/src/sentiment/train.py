"""Fine-tune a sentiment head on top of a pretrained encoder.

The base model is loaded with AutoModel.from_pretrained(...) below; note that docstrings
like this one are not code.
"""
from transformers import AutoModelForSequenceClassification, AutoTokenizer

BASE_MODEL = "distilbert/distilbert-base-uncased"
JUDGE_MODEL = "tiiuae/falcon-7b-instruct"


def load_base():
    tokenizer = AutoTokenizer.from_pretrained(BASE_MODEL)  # follows main: no revision
    model = AutoModelForSequenceClassification.from_pretrained(
        BASE_MODEL,
        num_labels=3,
        revision="main",  # a branch: moves whenever the publisher pushes
    )
    return tokenizer, model


def load_judge():
    from transformers import AutoModelForCausalLM

    # The judge model ships custom modelling code, which runs in this process.
    return AutoModelForCausalLM.from_pretrained(
        JUDGE_MODEL,
        trust_remote_code=True,
        revision="8bb2e6b0d3d16d5a4a05d5e8e8e5bc6c51a7a3c2",
    )
