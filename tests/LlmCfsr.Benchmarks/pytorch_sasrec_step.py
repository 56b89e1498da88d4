"""A minimal PyTorch SASRec training step, written for the LlmCfsr `pytorch` benchmark suite.

Same model and step as LlmCfsr's SASRec under the trainer: item embeddings scaled by sqrt(d) plus learned positions,
dropout, n blocks of Q = LN(x); x = Q + MHA(Q, x, x); x = LN(x); x = x + FFN(x) (Linear-ReLU-Dropout-Linear-Dropout),
a final layer norm, BCE on one sampled negative per position, gradient clipping at 5 and Adam (0.9, 0.98).
Prints one JSON line with the measured sequences per second.
"""
import argparse
import json
import math
import time

import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, d, heads, dropout):
        super().__init__()
        self.heads = heads
        self.attention_norm = nn.LayerNorm(d, eps=1e-8)
        self.query, self.key, self.value, self.output = (nn.Linear(d, d) for _ in range(4))
        self.feed_forward_norm = nn.LayerNorm(d, eps=1e-8)
        self.feed_forward_in = nn.Linear(d, d)
        self.feed_forward_out = nn.Linear(d, d)
        self.dropout = nn.Dropout(dropout)
        self.attention_dropout = dropout

    def forward(self, x, mask):
        b, length, d = x.shape
        normed = self.attention_norm(x)

        def split(t):
            return t.view(b, length, self.heads, d // self.heads).transpose(1, 2)

        q, k, v = split(self.query(normed)), split(self.key(x)), split(self.value(x))
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(d // self.heads)
        weights = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)
        weights = nn.functional.dropout(weights, self.attention_dropout, self.training)
        attended = (weights @ v).transpose(1, 2).reshape(b, length, d)
        h = self.feed_forward_norm(normed + self.dropout(self.output(attended)))
        return h + self.dropout(self.feed_forward_out(self.dropout(torch.relu(self.feed_forward_in(h)))))


class SasRec(nn.Module):
    def __init__(self, items, length, d, layers, heads, dropout):
        super().__init__()
        self.scale = math.sqrt(d)
        self.items = nn.Embedding(items + 1, d, padding_idx=0)
        self.positions = nn.Embedding(length, d)
        self.dropout = nn.Dropout(dropout)
        self.blocks = nn.ModuleList(Block(d, heads, dropout) for _ in range(layers))
        self.final_norm = nn.LayerNorm(d, eps=1e-8)

    def forward(self, ids):
        length = ids.shape[1]
        real = (ids > 0).unsqueeze(-1).to(torch.float32)
        x = self.items(ids) * self.scale + self.positions(torch.arange(length)).unsqueeze(0)
        x = self.dropout(x) * real
        causal = torch.ones(length, length, dtype=torch.bool).tril()
        mask = (causal & (ids > 0)[:, None, None, :]) | torch.eye(length, dtype=torch.bool)
        for block in self.blocks:
            x = block(x, mask) * real
        return self.final_norm(x)


def main():
    parser = argparse.ArgumentParser()
    for name, default in [("batch", 128), ("length", 50), ("hidden", 64), ("layers", 2), ("heads", 1), ("items", 20000),
                          ("steps", 10), ("warmup", 2), ("threads", 1), ("seed", 42)]:
        parser.add_argument(f"--{name}", type=int, default=default)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = SasRec(args.items, args.length, args.hidden, args.layers, args.heads, 0.2)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.98), eps=1e-8)
    loss_function = nn.BCEWithLogitsLoss()
    ids = torch.randint(1, args.items + 1, (args.batch, args.length))
    targets = torch.randint(1, args.items + 1, (args.batch, args.length))
    model.train()
    start = None
    for step in range(args.warmup + args.steps):
        if step == args.warmup:
            start = time.perf_counter()
        optimizer.zero_grad()
        states = model(ids)
        rows = (targets.reshape(-1) > 0).nonzero().squeeze(1)
        row_states = states.reshape(-1, args.hidden).index_select(0, rows)
        positives = targets.reshape(-1).index_select(0, rows)
        negatives = torch.randint(1, args.items + 1, positives.shape)
        positive_logits = (row_states * model.items(positives)).sum(-1)
        negative_logits = (row_states * model.items(negatives)).sum(-1)
        loss = loss_function(positive_logits, torch.ones_like(positive_logits)) + loss_function(negative_logits, torch.zeros_like(negative_logits))
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
    seconds = time.perf_counter() - start
    print(json.dumps({"sequences_per_second": args.batch * args.steps / seconds, "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
