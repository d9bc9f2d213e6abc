# the baseline: worse than always answering 0
python3 evaluate.py

# the error term is prediction minus target (the gradient of the log-loss), so that the update
# descends; it was target minus prediction, which climbs the loss
sed -i 's/err = t - _sigmoid(_logit(w, b, x))/err = _sigmoid(_logit(w, b, x)) - t/' model.py

# the bias gradient is a sum over the rows, like the weights' one: average it too
sed -i 's|b -= LEARNING_RATE \* grad_b$|b -= LEARNING_RATE * grad_b / n|' model.py

python3 evaluate.py
