"""What analysts do with rotas: what-if scenarios and team sizing (`scenarios`), their
side-by-side comparison (`comparison`) and a contact-by-contact simulation (`simulate`)."""
